"""Images clients send: decoding, validation, and the ``apisim:`` content tags they may carry."""
