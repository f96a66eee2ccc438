"""What a worker process imports in place of its parent's ``__main__`` (see
:func:`provenance.workers._main_module_as_this_one`): nothing runs on import."""
