"""创城作战图: the campaign's GIS dashboard as one package.

Imports run one way: ``views → ui → layers → geo``; ``store`` (the system of record) and
``ingest`` (readers of untrusted files) sit beside ``geo`` and use it; ``registry`` (every layer,
declared once) and ``paths`` (where files are) import nothing of the project.
"""
