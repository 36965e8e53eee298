"""Alerts: rules matched per brief version, an outbox in the store, and delivery by Standard Webhooks,
e-mail (single or digest) and an Atom feed per rule. See docs/alerts.md."""
