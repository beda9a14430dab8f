// title: Organisations and what they issue or develop
// answers: Every organisation that issues (ISSUED_BY) or develops (DEVELOPED_BY) something --
//   a standard, a metrology specification, a policy, a certification scheme -- with the sentence
//   and document that say so.
//   The Cypher twin of organisation_outputs.rq over the property-graph projection.
// param: $organisation iri org (optional) -- one organisation (IRI, or a name minted as {base}id/org/{name})
// columns: organisation organisationLabel relation output outputLabel outputCode evidence document

MATCH (output:Resource)-[statement:ISSUED_BY|DEVELOPED_BY]->(organisation:Resource)
WHERE $organisation IS NULL OR organisation.id = $organisation
WITH output, statement, organisation,
     CASE type(statement) WHEN 'ISSUED_BY' THEN 'issues' ELSE 'develops' END AS relation
// the evidence: the sentences of the reified statements, kept on the relationship (`sentences`)
OPTIONAL CALL (statement) {
  UNWIND statement.sentences AS sentenceId
  MATCH (sentence:Resource {id: sentenceId})-[:IS_PART_OF]->(document:Resource)
  WHERE sentence.text IS NOT NULL
  RETURN sentence, document
}
RETURN DISTINCT organisation.id AS organisation, organisation.name AS organisationLabel, relation,
       output.id AS output, output.name AS outputLabel, output.code AS outputCode,
       sentence.text AS evidence, document.id AS document
ORDER BY organisationLabel, organisation, relation, outputLabel, document
