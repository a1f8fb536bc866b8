"""Example clients of the kind apisim's users write, each tested offline in tests/examples/.

Import them from the repository's root (``from examples.clients.huawei_ocr_client import
HuaweiOcrClient``), as the README's pytest examples do.
"""
