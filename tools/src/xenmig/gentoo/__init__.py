"""Portage and the repositories: the one module that imports portage, its
answers (remembered), the repositories, dependency strings."""
