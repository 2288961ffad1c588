"""Signals of the referentials' loaders, which write in bulk (no post_save per row)."""

from django.dispatch import Signal

# Sent after a loader inserted or updated rows of a model (sender): `keys` holds the natural keys of those rows (the
# codes of RNCP certifications...), for what other apps keep derived from them (invoicing.plans).
rows_loaded = Signal()
