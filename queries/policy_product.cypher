// title: What a policy document says about a product
// answers: Every sentence of a source document (:Document, one per policy text) that says
//   something about a product: the product is named there (kind "mention"), is the subject or
//   object of a relation stated there ("relation", with the predicate IRI and the other entity),
//   is the subject of an observation ("observation", with the value) or is called a bottleneck
//   there ("bottleneck", with the cue words).
//   The Cypher twin of policy_product.rq over the property-graph projection: a relation's
//   evidence is the `sentences` list of its relationship, its predicate the `predicate` property.
// param: $document iri doc (optional) -- the document (IRI, or a document id minted as {base}id/doc/{id})
// param: $product iri product (optional) -- the product (IRI, or a name minted as {base}id/product/{name})
// columns: document documentTitle product productLabel sentenceIndex sentence kind predicate other otherLabel detail

MATCH (product:Product)
WHERE $product IS NULL OR product.id = $product
CALL (product) {
  MATCH (mention:Resource)-[:DENOTES]->(product), (mention)-[:IN_SENTENCE]->(source:Resource)
  RETURN source, 'mention' AS kind, null AS predicate, null AS other, mention.surface AS detail
  UNION
  MATCH (product)-[relation]->(other:Resource)
  UNWIND relation.sentences AS sentenceId
  MATCH (source:Resource {id: sentenceId})
  RETURN source, 'relation' AS kind, relation.predicate AS predicate, other, null AS detail
  UNION
  MATCH (product)<-[relation]-(other:Resource)
  UNWIND relation.sentences AS sentenceId
  MATCH (source:Resource {id: sentenceId})
  RETURN source, 'relation' AS kind, relation.predicate AS predicate, other, null AS detail
  UNION
  MATCH (observation:Resource)-[:SUBJECT]->(product), (observation)-[:WAS_DERIVED_FROM]->(source:Resource),
        (observation)-[:INDICATOR]->(other:Resource)
  WHERE observation.value IS NOT NULL
  RETURN source, 'observation' AS kind, 'https://w3id.org/nqikg/ontology#indicator' AS predicate, other,
         observation.value AS detail
  UNION
  MATCH (claim:Resource)-[:ABOUT_PRODUCT]->(product), (claim)-[:WAS_DERIVED_FROM]->(source:Resource)
  WHERE claim.cue IS NOT NULL
  RETURN source, 'bottleneck' AS kind, null AS predicate, null AS other, claim.cue AS detail
}
MATCH (source)-[:IS_PART_OF]->(document:Document)
WHERE ($document IS NULL OR document.id = $document)
      AND source.text IS NOT NULL AND source.sentenceIndex IS NOT NULL
RETURN DISTINCT document.id AS document, document.title AS documentTitle, product.id AS product,
       product.name AS productLabel, source.sentenceIndex AS sentenceIndex, source.text AS sentence, kind,
       predicate, other.id AS other, other.name AS otherLabel, detail
ORDER BY document, productLabel, sentenceIndex, kind
