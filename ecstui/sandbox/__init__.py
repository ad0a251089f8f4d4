"""The local world behind `ecstui --demo` and every test: moto's server with an ECS
lifecycle layer, a tiny SSO portal, and a GitHub REST API, seeded from `world.py`."""
