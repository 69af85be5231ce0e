"""The hall's ground floor: what every app may use and nothing here imports an app.

Client addresses and rate limits, request-body limits, the hall's middleware and template
context, the error tree, PDF and spreadsheet helpers, typed settings. The import-linter
contracts in ``pyproject.toml`` hold that nothing in ``hall.core`` imports an app above it.
"""
