// title: NQI coverage of bottleneck products (the gap matrix)
// answers: For every :BottleneckProduct and every pillar (nqi:metrology, nqi:standardization,
//   nqi:testing, nqi:certification): the NQI elements of that pillar that SUPPORTS the product
//   (kind "supports"), that support an industry the product BELONGS_TO_INDUSTRY (or the GB/T 4754
//   class it is close to, kind "industry"), or that are named in a sentence stating the product is
//   a bottleneck (kind "co-mention"). One row per piece of evidence; a product without any
//   evidence appears once with pillar null.
//   The Cypher twin of gaps.rq over the property-graph projection (sentence = the sentence IRI).
// columns: product pillar element kind target sentence

MATCH (product:BottleneckProduct)
OPTIONAL CALL (product) {
  MATCH (element:Resource)-[support:SUPPORTS]->(product), (element)-[:PILLAR]->(pillar:Resource)
  UNWIND coalesce(support.sentences, [null]) AS sentence
  RETURN pillar, element, 'supports' AS kind, product AS target, sentence
  UNION
  MATCH (product)-[:BELONGS_TO_INDUSTRY]->(:Resource)-[:RELATED_INDUSTRY*0..1]->(target:Resource),
        (element:Resource)-[support:SUPPORTS]->(target), (element)-[:PILLAR]->(pillar:Resource)
  UNWIND coalesce(support.sentences, [null]) AS sentence
  RETURN pillar, element, 'industry' AS kind, target, sentence
  UNION
  MATCH (product)-[:BOTTLENECK_EVIDENCE]->(:Resource)-[:WAS_DERIVED_FROM]->(source:Resource),
        (mention:Resource)-[:IN_SENTENCE]->(source), (mention)-[:DENOTES]->(element:Resource),
        (element)-[:PILLAR]->(pillar:Resource)
  RETURN pillar, element, 'co-mention' AS kind, product AS target, source.id AS sentence
}
RETURN DISTINCT product.id AS product, pillar.id AS pillar, element.id AS element, kind, target.id AS target,
       sentence
ORDER BY product, pillar, element, sentence
