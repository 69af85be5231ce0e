"""The hall's settings for the tests: development mode with the test-only hooks, files in a
temporary folder. Never shipped: production settings refuse HALL_TEST_HOOKS."""

import os
import tempfile

os.environ.setdefault("HALL_DEBUG", "1")
os.environ.setdefault("HALL_TEST_HOOKS", "1")
os.environ.setdefault("HALL_DATA_DIR", tempfile.mkdtemp(prefix="hall-tests-"))

from hall.settings import *  # noqa: F403

PASSWORD_HASHERS = ["tests.hall.hashers.QuickArgon2PasswordHasher"]

# SQLite's test database as a file, so that threads (the concurrency tests) wait for the lock
# instead of failing on a shared in-memory database's table locks.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# Background tasks run at once in the test's own process (Celery's eager mode: the same task
# code, no broker). tests/hall/test_celery.py runs them on a real broker with real workers.
CELERY_TASK_ALWAYS_EAGER = True
