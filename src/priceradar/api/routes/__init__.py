"""One router per entity; `api.app` mounts them under /api/v1 (health and metrics at the root)."""
