inline int shadowed() { return 0; }
