# setup_hall.py runs inside the deployed hall (`python -m hall shell`), not under pytest.
collect_ignore = ["setup_hall.py"]
