"""Workflow steps in the panel: the engine (core), the confirmation page (pages) and the
background runner for many records (batches). Dependencies run pages -> batches -> core."""
