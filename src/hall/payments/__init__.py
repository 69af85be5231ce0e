"""Fees, orders, payment gateways and their notifications (seed 000 §2.3; domain.md §5)."""
