"""Applications (registration, renewal, change, ...), their review, and the working-day calendar."""
