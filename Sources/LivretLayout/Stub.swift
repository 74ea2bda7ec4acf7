public enum LivretLayoutStub {}
