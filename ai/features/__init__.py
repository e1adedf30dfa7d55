"""The four AI features. Each ``run_*`` runs inside a task's workspace scope and transaction
(ai.tasks) and goes through ai.pipeline: transcript -> redaction -> prompt -> router ->
re-hydration -> artifact -> frames after commit."""
