/// The OCFL 1.1 archive of every livret issued.
public enum LivretArchive {}
