"""Network analyses over the tie snapshot.

Plain functions, graph first, returning plain data (pandas DataFrames with
one row per actor, or small typed results); nothing here knows about the
store or the web. Start from :func:`projection.project` to turn the
snapshot into the simple graph a measure needs, or from
:func:`metrics.actor_metrics` for every per-actor measure at once.
"""
