"""The demo: synthetic data to try the tracker with (``manage.py load_demo``) and the command
that runs the whole system in the foreground (``manage.py serve``, ``make run``)."""
