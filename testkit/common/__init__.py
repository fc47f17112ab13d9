"""What the local messenger servers (testkit.botapi, testkit.maxapi) share.

Only the machinery that is the same in both lives here: the fault registry, the request
counters, the token bucket, the change log's ``wait_for`` waits, the server's life cycle,
the control API's helpers and routes, and the command-line runner.  What a messenger's API
says (its errors, records, limits and routes) stays in that messenger's package.
"""
