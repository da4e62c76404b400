"""Contrastive fine-tuning: training sets, samplers, loss and loop."""
