"""llmkit recipes: one module per task, each with a `Config` dataclass and a `build` function."""
