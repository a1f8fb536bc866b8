"""What an image shows: faces (identity, geometry, attributes) and OCR card content.

Every face and OCR service asks this package, so the same image gets the same
answer everywhere: from its ``apisim:`` tags when it has them, otherwise a
stable content derived from its bytes.
"""
