"""How a paced load-test user times its requests; the locustfile and the runs that start it
both name these (this module imports nothing, so the sweep does not load Locust with it).

- ``poisson``: at random moments, exponentially spaced with the pace as their rate, so that
  many users together offer a Poisson stream, as independent desks do.
- ``lockstep``: one every 1/pace seconds (Locust's ``constant_throughput``); users started
  together then send together, every one of them within a fraction of that period.
"""

ARRIVALS = ("poisson", "lockstep")
