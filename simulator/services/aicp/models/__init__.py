"""AICP's state and domain rules, one module per concern; everything lives in the service's store.

``accounts`` (users and platform accounts), ``engine`` (the Koala engine's groups and faces),
``faces`` (images and face checks), ``ha_queue`` (high availability), ``ids``, ``photos`` (stored
photos behind the links answers give), ``platform``, ``stats`` (call statistics), ``clock``
(Beijing time) and ``seed`` (the demo state).
"""
