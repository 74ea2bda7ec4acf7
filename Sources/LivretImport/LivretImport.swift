import LivretModel

/// Reads the exchange files of a lycée (SIECLE, LSL import XML, nomenclature, profile).
public enum LivretImport {}
