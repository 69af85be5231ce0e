"""The online business hall (网上业务大厅): a Django project on top of the tiaoma library.

Run it with ``python -m hall runserver`` (``make run`` migrates, loads the demo data and starts
it). The library never imports this package; this package imports the library.
"""
