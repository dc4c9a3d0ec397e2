"""Stage 2, translate: gettext catalogues read and written as GNU does, messages extracted
and merged, and the course translated into one :class:`~packager.i18n.editions.Edition` per
published language."""
