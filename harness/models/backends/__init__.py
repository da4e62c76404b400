"""Inference backends of torch-family models: torch (fp32, bf16, fp16), ONNX Runtime and OpenVINO."""
