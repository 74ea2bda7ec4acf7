public enum LivretPDFStub {}
