"""The hall's settings for the tests: development mode with the test-only hooks, files in a
temporary folder. Never shipped: production settings refuse HALL_TEST_HOOKS."""

import os
import tempfile

os.environ.setdefault("HALL_DEBUG", "1")
os.environ.setdefault("HALL_TEST_HOOKS", "1")
os.environ.setdefault("HALL_DATA_DIR", tempfile.mkdtemp(prefix="hall-tests-"))

from hall.settings import *  # noqa: F403

PASSWORD_HASHERS = ["tests.hall.hashers.QuickArgon2PasswordHasher"]
