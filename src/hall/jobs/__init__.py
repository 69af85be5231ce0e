"""Background work: the task registry, the daily scheduler and the record of its runs."""
