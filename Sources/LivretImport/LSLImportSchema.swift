/// The project's own XSD for the LSL import format (namespace `urn:ac-grenoble.fr:lsl:import`,
/// schemaVersion 1.0), written from the format's description. It must accept and reject the same
/// files as the rectorat's schema: the tests run both on the same valid and broken files.
///
/// Kept as text in the code so that it needs no resource bundle; `livret` never fetches a schema.
public enum LSLImportSchema {
    /// The XSD, as UTF-8 text.
    public static let text = #"""
<?xml version="1.0" encoding="UTF-8"?>
<!-- livret: LSL import format, schemaVersion 1.0. Local elements are unqualified. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:l="urn:ac-grenoble.fr:lsl:import"
           targetNamespace="urn:ac-grenoble.fr:lsl:import">

  <xs:element name="lsl">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="entete">
          <xs:complexType>
            <xs:all>
              <xs:element name="editeur" type="xs:string"/>
              <xs:element name="application" type="l:texte50"/>
              <xs:element name="etablissement" type="l:uai8"/>
            </xs:all>
          </xs:complexType>
        </xs:element>
        <xs:element name="donnees">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="eleve" type="l:eleveType" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="schemaVersion" type="xs:decimal" use="required" fixed="1.0"/>
    </xs:complexType>
  </xs:element>

  <xs:complexType name="eleveType">
    <xs:sequence>
      <xs:element name="engagements" minOccurs="0">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="engagement" minOccurs="0" maxOccurs="unbounded">
              <xs:complexType>
                <xs:attribute name="code" type="l:codeEngagement" use="required"/>
              </xs:complexType>
            </xs:element>
            <xs:element name="engagement-autre" type="l:texte1a300" minOccurs="0"/>
          </xs:sequence>
        </xs:complexType>
        <xs:unique name="engagementUnique">
          <xs:selector xpath="engagement"/>
          <xs:field xpath="@code"/>
        </xs:unique>
      </xs:element>
      <xs:element name="avisExamen" minOccurs="0">
        <xs:complexType>
          <xs:attribute name="code" type="l:codeAvis" use="required"/>
        </xs:complexType>
      </xs:element>
      <xs:element name="scolarites">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="scolarite" type="l:scolariteType" maxOccurs="unbounded"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
    <xs:attribute name="id" type="xs:positiveInteger" use="required"/>
  </xs:complexType>

  <xs:complexType name="scolariteType">
    <xs:sequence>
      <xs:element name="avisEngagement" type="l:avisType" minOccurs="0"/>
      <xs:element name="avisInvestissement" type="l:avisType" minOccurs="0"/>
      <xs:element name="avisChefEtab" type="l:avisType" minOccurs="0"/>
      <xs:element name="evaluation" type="l:evaluationType" maxOccurs="unbounded"/>
    </xs:sequence>
    <xs:attribute name="annee-scolaire" use="required">
      <xs:simpleType>
        <xs:restriction base="xs:int">
          <xs:minInclusive value="2000"/>
          <xs:maxInclusive value="9999"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:attribute>
    <xs:attribute name="code-periode" use="required">
      <xs:simpleType>
        <xs:restriction base="xs:string">
          <xs:enumeration value="T"/>
          <xs:enumeration value="S"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:attribute>
  </xs:complexType>

  <xs:complexType name="avisType">
    <xs:simpleContent>
      <xs:extension base="l:texte1a300">
        <xs:attribute name="nom" type="l:texte65" use="required"/>
        <xs:attribute name="prenom" type="l:texte50" use="required"/>
        <xs:attribute name="date" type="xs:date"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="evaluationType">
    <xs:all>
      <xs:element name="structure">
        <xs:complexType>
          <xs:attribute name="effectif" type="xs:positiveInteger"/>
          <xs:attribute name="moyenne" type="l:nombre2"/>
          <xs:attribute name="repar-moins-huit" type="l:nombre2"/>
          <xs:attribute name="repar-huit-douze" type="l:nombre2"/>
          <xs:attribute name="repar-plus-douze" type="l:nombre2"/>
        </xs:complexType>
      </xs:element>
      <xs:element name="annuelle" type="l:texte1a300"/>
      <xs:element name="periodiques" minOccurs="0">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="periode" maxOccurs="unbounded">
              <xs:complexType>
                <xs:attribute name="numero" type="xs:positiveInteger" use="required"/>
                <xs:attribute name="moyenne" type="l:nombre2" use="required"/>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="competences" minOccurs="0">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="competence" maxOccurs="unbounded">
              <xs:complexType>
                <xs:simpleContent>
                  <xs:extension base="l:niveau">
                    <xs:attribute name="code">
                      <xs:simpleType>
                        <xs:restriction base="xs:string">
                          <xs:pattern value="[0-9]{4}"/>
                        </xs:restriction>
                      </xs:simpleType>
                    </xs:attribute>
                  </xs:extension>
                </xs:simpleContent>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
        <xs:unique name="competenceUnique">
          <xs:selector xpath="competence"/>
          <xs:field xpath="@code"/>
        </xs:unique>
      </xs:element>
      <xs:element name="enseignants">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="enseignant" maxOccurs="unbounded">
              <xs:complexType>
                <xs:attribute name="nom" type="l:texte65"/>
                <xs:attribute name="prenom" type="l:texte50"/>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:all>
    <xs:attribute name="modalite-election" use="required">
      <xs:simpleType>
        <xs:restriction base="xs:string">
          <xs:enumeration value="S"/>
          <xs:enumeration value="O"/>
          <xs:enumeration value="F"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:attribute>
    <xs:attribute name="code-matiere" use="required">
      <xs:simpleType>
        <xs:restriction base="xs:string">
          <xs:pattern value="[0-9]{6}"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:attribute>
    <xs:attribute name="date" type="xs:date"/>
  </xs:complexType>

  <xs:simpleType name="texte50">
    <xs:restriction base="xs:string"><xs:maxLength value="50"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="texte65">
    <xs:restriction base="xs:string"><xs:maxLength value="65"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="texte1a300">
    <xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="300"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="uai8">
    <xs:restriction base="xs:string"><xs:length value="8"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="nombre2">
    <xs:restriction base="xs:decimal"><xs:fractionDigits value="2"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="codeEngagement">
    <xs:restriction base="xs:string">
      <xs:enumeration value="C"/><xs:enumeration value="V"/><xs:enumeration value="A"/>
      <xs:enumeration value="E"/><xs:enumeration value="S"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="codeAvis">
    <xs:restriction base="xs:string">
      <xs:enumeration value="T"/><xs:enumeration value="F"/><xs:enumeration value="A"/><xs:enumeration value="D"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="niveau">
    <xs:restriction base="xs:string">
      <xs:enumeration value="0"/><xs:enumeration value="NE"/>
      <xs:enumeration value="1"/><xs:enumeration value="2"/><xs:enumeration value="3"/><xs:enumeration value="4"/>
      <xs:enumeration value="A1"/><xs:enumeration value="A2"/><xs:enumeration value="B1"/>
      <xs:enumeration value="B2"/><xs:enumeration value="C1"/><xs:enumeration value="C2"/>
    </xs:restriction>
  </xs:simpleType>
</xs:schema>
"""#
}
