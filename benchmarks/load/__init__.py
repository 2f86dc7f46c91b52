"""Load tests: Locust scenarios and the `make loadtest` driver."""
