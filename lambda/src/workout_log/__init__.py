"""Workout-log service: store workout logs and serve per-user statistics behind API Gateway."""
