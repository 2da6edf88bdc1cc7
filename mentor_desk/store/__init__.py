"""The store: the program file (SQLite through sqlite-utils); the only layer with SQL."""
