"""What xenmig writes: contributions, the table of target files, managed
blocks, the one writer."""
