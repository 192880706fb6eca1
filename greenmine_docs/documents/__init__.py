"""The documents a mine's input gives, one package each (render + checks)."""
