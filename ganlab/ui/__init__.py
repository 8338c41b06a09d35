"""The page: the only part of ganlab that imports pyscript or js."""
