"""FIMI: media reports, narratives, copy-paste amplification, framing terms and incidents with DISARM techniques."""
