// title: Bottleneck products and their NQI pillar coverage
// answers: For every bottleneck product (:BottleneckProduct), each of the four NQI pillars
//   (nqi:metrology, nqi:standardization, nqi:testing, nqi:certification) and whether an NQI
//   element of that pillar SUPPORTS the product itself or the product's industry
//   (BELONGS_TO_INDUSTRY, the GB/T 4754 class it is close to via RELATED_INDUSTRY, the product's own
//   INDUSTRY_CLASS, or a broader class of those via BROADER*; target says which), with the sentence
//   that states the support.
//   One row per product x pillar x supporting element x evidence sentence; a pillar with no
//   support gives one row with covered = false and the element columns empty.
//   The Cypher twin of bottleneck_coverage.rq over the property-graph projection.
// param: $product iri product (optional) -- restrict to one product (IRI, or a name minted as {base}id/product/{name})
// columns: product productLabel pillar pillarLabel covered element elementLabel via target targetLabel evidence document

MATCH (product:BottleneckProduct)
WHERE $product IS NULL OR product.id = $product
UNWIND ['https://w3id.org/nqikg/ontology#metrology', 'https://w3id.org/nqikg/ontology#standardization',
        'https://w3id.org/nqikg/ontology#testing', 'https://w3id.org/nqikg/ontology#certification'] AS pillarId
OPTIONAL MATCH (pillar:Resource {id: pillarId})
// the supporting elements of that pillar (PILLAR*0..1: a pillar itself, e.g. 计量 named in the text,
// counts as its own element); OPTIONAL: a pillar without support keeps one row with nulls
OPTIONAL CALL (product, pillarId) {
  MATCH (element:Resource)-[support:SUPPORTS]->(product)
  WHERE EXISTS { (element)-[:PILLAR*0..1]->(:Resource {id: pillarId}) }
  RETURN element, support, product AS target, 'product' AS via
  UNION
  MATCH (product)-[:BELONGS_TO_INDUSTRY]->()-[:RELATED_INDUSTRY*0..1]->()-[:BROADER*0..]->(target:Resource)
  MATCH (element:Resource)-[support:SUPPORTS]->(target)
  WHERE EXISTS { (element)-[:PILLAR*0..1]->(:Resource {id: pillarId}) }
  RETURN element, support, target, 'industry' AS via
  UNION
  MATCH (product)-[:INDUSTRY_CLASS]->()-[:BROADER*0..]->(target:Resource)
  MATCH (element:Resource)-[support:SUPPORTS]->(target)
  WHERE EXISTS { (element)-[:PILLAR*0..1]->(:Resource {id: pillarId}) }
  RETURN element, support, target, 'industry' AS via
}
// the evidence: the sentences of the reified statements, kept on the relationship (`sentences`)
OPTIONAL CALL (support) {
  UNWIND support.sentences AS sentenceId
  MATCH (sentence:Resource {id: sentenceId})-[:IS_PART_OF]->(document:Resource)
  WHERE sentence.text IS NOT NULL
  RETURN sentence, document
}
RETURN DISTINCT product.id AS product, product.name AS productLabel, pillarId AS pillar, pillar.name AS pillarLabel,
       element IS NOT NULL AS covered, element.id AS element, element.name AS elementLabel, via,
       target.id AS target, target.name AS targetLabel, sentence.text AS evidence, document.id AS document
ORDER BY productLabel, product, pillar, elementLabel, document
