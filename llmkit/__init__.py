"""llmkit: fine-tune and pretrain GPT-2 and BERT models with one CLI and one training loop."""

__version__ = "0.1.0"
