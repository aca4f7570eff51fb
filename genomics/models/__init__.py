from .variants import CopyNumberCall, ExpressionValue, FusionCall, Variant

__all__ = ["CopyNumberCall", "ExpressionValue", "FusionCall", "Variant"]
