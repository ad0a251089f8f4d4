"""Async use cases both faces call: inventory, promote, rollback, approvals, tail, audit."""
