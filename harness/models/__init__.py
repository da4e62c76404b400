"""Model registry (models.yaml) and the encoders / lexical scorers it builds."""
