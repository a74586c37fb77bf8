"""The local stack: an embedded AWS emulator (moto) provisioned like an environment, and an HTTP server that turns
requests into API Gateway REST proxy events for the real handlers. Development tooling; not in the Lambda zip."""
