"""Map layers: each module turns one kind of city data into one switchable folium layer.

No Streamlit here. Modules are listed in the order they are drawn (bottom to top) in
``layers.battle_map.LAYER_MODULES``.
"""
