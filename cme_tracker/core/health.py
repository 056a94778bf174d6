"""Reachability checks for /healthz: each answers None when fine, or what is wrong."""

import redis
from django.conf import settings
from django.db import DatabaseError, connections


def database_problem(alias: str = "default") -> str | None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return type(error).__name__
    return None


def redis_problem() -> str | None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        return type(error).__name__
    finally:
        client.close()
    return None
