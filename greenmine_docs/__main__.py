"""``python -m greenmine_docs`` is the ``greenmine`` command."""
from .cli import main

if __name__ == "__main__":
    main()
