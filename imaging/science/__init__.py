"""Imaging science for DART (no Django): the predictions format, radiomics extraction, the model
registry and model training. Dataclasses in, dataclasses out."""
